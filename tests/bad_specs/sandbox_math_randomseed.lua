-- Seeding the generator.
math.randomseed(42)
