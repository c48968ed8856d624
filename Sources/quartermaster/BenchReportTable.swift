import Foundation
import KubeBenchmark

/// The table `quartermaster bench` prints.
enum BenchReportTable {
    static func render(
        server: String, memory: [(MemoryProbeResult, listBytes: Int)], reconcile: ReconcileBenchmarkResult?,
        parentBaseline: ProcessMemory?
    ) -> String {
        var out: [String] = []
        func mb(_ b: Int) -> String { ProcessMemory.megabytes(b) }
        out.append("quartermaster bench against \(server)")
        if !memory.isEmpty {
            out.append("")
            out.append("Memory: Reflector + Store of ~1 KB ConfigMaps, fresh process per size (MB = MiB)")
            out.append(
                row(["objects", "list body", "baseline RSS (anon)", "synced RSS (anon)", "sync peak", "relist peak", "after relist",
                    "store Δ", "relist Δ/store Δ", "sync s", "≤ 60 MB"]))
            for (r, listBytes) in memory {
                let store = r.syncedRSS - r.baselineRSS
                let relist = r.relistPeak - r.baselineRSS
                let factor = store > 0 ? String(format: "%.2f", Double(relist) / Double(store)) : "-"
                out.append(
                    row([
                        "\(r.objects)", mb(listBytes), "\(mb(r.baselineRSS)) (\(mb(r.baselineAnonymous)))",
                        "\(mb(r.syncedRSS)) (\(mb(r.syncedAnonymous)))", mb(r.syncedPeak),
                        mb(r.relistPeak), mb(r.afterRelistRSS), mb(store), factor, String(format: "%.1f", r.syncSeconds),
                        max(r.syncedRSS, r.afterRelistRSS) <= 60 << 20 ? "yes" : "NO",
                    ]))
            }
        }
        if let r = reconcile {
            func ms(_ d: Duration?) -> String { d.map { String(format: "%.1f ms", $0.milliseconds) } ?? "-" }
            func audit(_ c: ConvergedReconcile) -> String { c.auditWrites.map(String.init) ?? "n/a" }
            out.append("")
            out.append("Reconcile: \(r.objects) parent ConfigMaps, one child each, concurrency \(r.concurrency)")
            out.append(row(["figure", "value", "target"]))
            out.append(row(["create \(r.objects) parents (POST)", String(format: "%.2f s", r.createParentsSeconds), ""]))
            out.append(row(["plain client: \(r.objects) SSA", String(format: "%.2f s", r.directApplySeconds), ""]))
            out.append(row(["controller: \(r.objects) children", String(format: "%.2f s", r.controllerApplySeconds), ""]))
            out.append(row(["controller / plain client", String(format: "%.2f×", r.ratio), "≤ 1.5×"]))
            for (label, c) in [("label touch", r.touch), ("restart", r.restart)] {
                out.append(row(["converged (\(label)): reconciles", "\(c.reconciles)", ""]))
                out.append(row(["converged (\(label)): requests", "\(c.requests)", ""]))
                out.append(row(["converged (\(label)): writes (client / audit)", "\(c.writes) / \(audit(c))", "0"]))
            }
            out.append(row(["update → child apply p50 (n=\(r.latency.count))", ms(r.latency.p50), ""]))
            out.append(row(["update → child apply p99", ms(r.latency.p99), ""]))
            out.append(row(["update → child apply max", ms(r.latency.max), ""]))
        }
        if let parentBaseline {
            out.append("")
            out.append("bench process at start: \(parentBaseline)")
        }
        return out.joined(separator: "\n")
    }

    private static func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }
}
