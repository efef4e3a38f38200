print("fleet-bench: not built yet")
