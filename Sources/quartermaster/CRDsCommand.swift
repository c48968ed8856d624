import ArgumentParser
import Foundation
import QuartermasterControllers

/// `quartermaster crds`: prints the CustomResourceDefinitions of every kind
/// (`QuartermasterKinds.all`), e.g. for `quartermaster crds | kubectl apply -f -`.
/// `quartermaster manifests` writes them into `crds/`.
struct CRDsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crds", abstract: "Print the CRDs (quartermaster manifests writes them into crds/).")

    func run() throws {
        print(try GeneratedManifests.crdFiles().map(\.yaml).joined(), terminator: "")
    }
}
