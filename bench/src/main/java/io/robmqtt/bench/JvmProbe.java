package io.robmqtt.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a JVM (the gateway's) costs: its threads and CPU time from /proc, its heap and thread names through jcmd. */
final class JvmProbe {
    private final long pid;

    JvmProbe(long pid) {
        this.pid = pid;
    }

    /** The process's threads, as the kernel counts them (the JVM's own included). */
    int threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring(8).trim());
            }
        }
        throw new IOException("no Threads: line for " + pid);
    }

    /** User and system CPU time of the whole process so far, in milliseconds (clock ticks of 10 ms). */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime (fields 14, 15)
    }

    /** The heap used right after a full GC, in bytes. */
    long heapAfterGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        Matcher used = Pattern.compile("total \\d+K, used (\\d+)K").matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IOException("jcmd GC.heap_info printed no heap use");
        }
        return Long.parseLong(used.group(1)) * 1024;
    }

    /** Live threads by kind: the name with client ids and numbers taken out. */
    Map<String, Integer> threadKinds() throws IOException, InterruptedException {
        Map<String, Integer> kinds = new TreeMap<>();
        Matcher names = Pattern.compile("(?m)^\"([^\"]*)\"").matcher(jcmd("Thread.print"));
        while (names.find()) {
            String kind = names.group(1).replaceAll("robmqtt-fleet-\\d+|fleet-\\d+", "ID").replaceAll("\\d+", "N");
            kinds.merge(kind, 1, Integer::sum);
        }
        return kinds;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command)).redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes());
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    static List<String> kindsTable(Map<String, Integer> kinds) {
        List<String> rows = new ArrayList<>();
        kinds.forEach((kind, count) -> rows.add(String.format("%6d  %s", count, kind)));
        return rows;
    }
}
