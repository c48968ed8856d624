import Foundation
import KubeBenchmark

/// The table `quartermaster bench` prints.
enum BenchReportTable {
    static func render(
        server: String, memory: [(MemoryProbeResult, listBytes: Int)], reconcile: ReconcileBenchmarkResult?,
        parentBaseline: ProcessMemory?, protobuf: Bool = true
    ) -> String {
        var out: [String] = []
        func mb(_ b: Int) -> String { ProcessMemory.megabytes(b) }
        out.append(
            "quartermaster bench against \(server); lists and watches of ConfigMaps in \(protobuf ? "protobuf" : "JSON")")
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
            func spread(_ s: Spread, _ format: String) -> String {
                "\(String(format: format, s.median)) (\(String(format: format, s.min))–\(String(format: format, s.max)))"
            }
            func seconds(_ values: [Double?]) -> String {
                let present = values.compactMap { $0 }
                return present.isEmpty ? "-" : spread(Spread(present), "%.2f s")
            }
            func counts(_ values: [Int]) -> String { spread(Spread(values.map(Double.init)), "%.0f") }
            let n = r.runs.count
            out.append(row(["plain client: \(r.objects) SSA, median (min–max) of \(n)", spread(r.directApplySeconds, "%.2f s"), ""]))
            out.append(row(["controller: \(r.objects) children, from its start", spread(r.controllerApplySeconds, "%.2f s"), ""]))
            out.append(row(["controller / plain client, per run", spread(r.ratio, "%.2f×"), "≤ 1.1×"]))
            if r.informedApplySeconds.count > 0 {
                out.append(
                    row([
                        "reference: informers + plain client, from their start", spread(r.informedApplySeconds, "%.2f s"),
                        "",
                    ]))
                out.append(row(["reference / plain client, per run (what the watches cost)", spread(r.informedRatio, "%.2f×"), ""]))
                out.append(
                    row([
                        "controller / reference, per run (what queue and reconciles cost)",
                        spread(r.controllerOverInformedRatio, "%.2f×"), "",
                    ]))
            }
            out.append(row(["controller: start → first list answer", seconds(r.runs.map(\.firstListAnswerSeconds)), ""]))
            out.append(row(["controller: start → caches synced", seconds(r.runs.map(\.syncedSeconds)), ""]))
            out.append(row(["controller: start → first apply", seconds(r.runs.map(\.firstApplySeconds)), ""]))
            out.append(
                row([
                    "apply latency p50 / p99: plain client", "\(ms(r.plainApplyLatency.p50)) / \(ms(r.plainApplyLatency.p99))",
                    "",
                ]))
            out.append(
                row([
                    "apply latency p50 / p99: controller",
                    "\(ms(r.controllerApplyLatency.p50)) / \(ms(r.controllerApplyLatency.p99))", "",
                ]))
            out.append(row(["requests per run: plain client / controller", "\(counts(r.runs.map(\.plainRequests))) / \(counts(r.runs.map(\.controllerRequests)))", ""]))
            out.append(row(["connections opened per run: plain client / controller", "\(counts(r.runs.map(\.plainConnections))) / \(counts(r.runs.map(\.controllerConnections)))", ""]))
            out.append(
                row([
                    "bench process CPU per run: plain client / reference / controller",
                    "\(spread(Spread(r.runs.map(\.plainCPUSeconds)), "%.2f s")) / \(seconds(r.runs.map { $0.informed?.cpuSeconds })) / \(spread(Spread(r.runs.map(\.controllerCPUSeconds)), "%.2f s"))",
                    "",
                ]))
            if r.runs.contains(where: { $0.plainServerCPUSeconds != nil }) {
                out.append(
                    row([
                        "control plane CPU per run: plain client / reference / controller",
                        "\(seconds(r.runs.map(\.plainServerCPUSeconds))) / \(seconds(r.runs.map { $0.informed?.serverCPUSeconds })) / \(seconds(r.runs.map(\.controllerServerCPUSeconds)))",
                        "",
                    ]))
            }
            for (i, run) in r.runs.enumerated() {
                var figures = String(format: "%.2f s / %.2f s / %.2f×", run.plainSeconds, run.controllerSeconds, run.ratio)
                if let informed = run.informed { figures += String(format: ", reference %.2f s", informed.seconds) }
                if let plain = run.plainServerCPUSeconds, let controller = run.controllerServerCPUSeconds {
                    figures += String(format: " (control plane CPU %.2f s / %.2f s", plain, controller)
                    if let reference = run.informed?.serverCPUSeconds { figures += String(format: ", reference %.2f s", reference) }
                    figures += ")"
                }
                out.append(row(["run \(i + 1): plain / controller / ratio", figures, ""]))
            }
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
