package org.gradstudy.jobs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The PyTorch peer of {@code bench}: finding a python3 with torch and the script, running it, reading its answer. */
final class TorchPeer {
    private TorchPeer() {}

    /** {@code chosen} (--python) if it can import torch, else the first of /usr/bin/python3 and python3 that can; null if none. */
    static String findPython(String chosen) {
        List<String> candidates = chosen != null ? List.of(chosen) : List.of("/usr/bin/python3", "python3");
        for (String p : candidates) {
            try {
                Process pr = new ProcessBuilder(p, "-c", "import torch").redirectErrorStream(true).start();
                pr.getInputStream().readAllBytes();
                if (pr.waitFor(120, TimeUnit.SECONDS) && pr.exitValue() == 0) return p;
            } catch (IOException e) {
                // not installed: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /** {@code chosen} (--peer-script), else conf/bench/torch_peer.py here or under gradstudy.home; null if none is a file. */
    static Path findScript(Path chosen) {
        List<Path> candidates = new ArrayList<>();
        if (chosen != null) candidates.add(chosen);
        candidates.add(Path.of("conf/bench/torch_peer.py"));
        String home = System.getProperty("gradstudy.home");
        if (home != null) candidates.add(Path.of(home, "conf/bench/torch_peer.py"));
        for (Path p : candidates) if (Files.isRegularFile(p)) return p;
        return null;
    }

    /** Runs the peer script and parses its one-line JSON answer (flat numbers only). */
    static Map<String, Object> run(String python, Path script, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("OMP_NUM_THREADS", "1");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(30, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("peer did not finish in 30 minutes: " + String.join(" ", cmd));
            }
            if (p.exitValue() != 0)
                throw new IllegalStateException("peer failed (exit " + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + text);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the peer ran", e);
        }
        String line = text.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("the peer printed no JSON line: " + text));
        Map<String, Object> out = new LinkedHashMap<>();
        for (String kv : line.replaceAll("[{}\"]", "").split(",")) {
            String[] f = kv.split(":", 2);
            String v = f[1].trim();
            out.put(f[0].trim(), v.matches("-?[0-9.eE+-]+") ? (Object) Double.parseDouble(v) : v);
        }
        return out;
    }
}
