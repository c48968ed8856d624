import ArgumentParser
import Foundation
import QuartermasterControllers

/// `quartermaster crds`: prints or writes the CustomResourceDefinitions generated from the
/// Swift types (the one source of truth for `crds/`).
struct CRDsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crds", abstract: "Print the CRDs, or write them into a directory with --output.")

    @Option(help: "Directory to write one file per CRD into (default: print all to stdout).")
    var output: String?

    func run() throws {
        let crds = CRDGenerator.allCRDs()
        guard let output else {
            print(crds.map(\.yaml).joined(separator: "---\n"), terminator: "")
            return
        }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        for crd in crds {
            let path = (output as NSString).appendingPathComponent(crd.fileName)
            try Data(crd.yaml.utf8).write(to: URL(fileURLWithPath: path))
            print("wrote \(path)")
        }
    }
}
