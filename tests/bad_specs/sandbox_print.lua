-- print writes to stdout.
print("hello from the spec")
