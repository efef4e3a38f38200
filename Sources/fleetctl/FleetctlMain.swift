import ArgumentParser
import FleetCLI

/// Thin entry point: all behaviour lives in FleetCLI.
@main
enum FleetctlMain {
    static func main() async {
        await Fleetctl.main(nil)
    }
}
