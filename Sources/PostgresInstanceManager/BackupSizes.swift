import Foundation
import KubeCore

/// The bytes an S3 store holds per base backup (`<prefix>/<server>/base/<backupID>/...`):
/// barman-cli-cloud 3.4 records no size, so the manager lists the objects with boto3 through
/// the Python interpreter barman-cloud itself runs on (the `#!` line of
/// `barman-cloud-backup`, which has boto3). One listing for all backups. `nil` when the store is
/// not `s3://` or the listing fails (sizes are then reported as `null`).
public enum BackupSizes {
    static let script = """
        import json, sys, boto3
        from urllib.parse import urlparse
        u = urlparse(sys.argv[1])
        prefix = "/".join(p for p in [u.path.strip("/"), sys.argv[2], "base"] if p) + "/"
        s3 = boto3.client("s3", endpoint_url=(sys.argv[3] or None))
        sizes = {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=u.netloc, Prefix=prefix):
            for o in page.get("Contents", []):
                backup = o["Key"][len(prefix):].split("/", 1)[0]
                sizes[backup] = sizes.get(backup, 0) + o["Size"]
        print(json.dumps(sizes))
        """

    /// The interpreter named by the `#!` line of `tool` (`nil` when it has none).
    static func interpreter(of tool: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: tool) else { return nil }
        defer { try? handle.close() }
        let head = String(decoding: handle.readData(ofLength: 256), as: UTF8.self)
        guard head.hasPrefix("#!"), let line = head.split(separator: "\n").first else { return nil }
        let words = line.dropFirst(2).split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        // `#!/usr/bin/env python3` → python3 from PATH is not resolvable here; only absolute ones.
        return first.hasSuffix("/env") ? nil : first
    }

    public static func measure(store: ObjectStoreSettings, toolDirectory: String, environment: [String: String]) async
        -> [String: Int64]?
    {
        guard store.destinationPath.hasPrefix("s3://"),
            let python = interpreter(of: BarmanCloud.tool("backup", directory: toolDirectory))
        else { return nil }
        let result = await ProcessRunner.run(
            python, ["-c", script, store.destinationPath, store.serverName, store.endpointURL ?? ""],
            environment: environment)
        guard let output = try? result.get(), output.succeeded,
            let value = try? KubeJSON.decode(JSONValue.self, from: Data(output.standardOutput.utf8)),
            let map = value.objectValue
        else { return nil }
        return map.compactMapValues { $0.intValue }
    }
}
