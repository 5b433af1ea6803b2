-- Steering the collector.
collectgarbage("stop")
