print("fleet-pcapgen: not built yet")
