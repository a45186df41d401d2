"""Mal's stages as Spark steps: ship the `mal` binary and its files with SparkContext.addFile, run stages on every
partition as RDD.pipe does, and keep Mal's error message when a partition fails.

    sc.addFile("dist/mal-0.1.0-linux-x86_64/bin/mal")      # any Linux x86_64 worker runs the release binary
    tokens = pipe(lines, [["@mal", "tokenize"]], header=b"id\\tdocument\\tlabel")
    counts = pipe(tokens, [["@mal", "vocab", "count"]])

Why not RDD.pipe itself: PySpark's RDD.pipe writes str(element) (bytes would become "b'...'"), gives the command an
empty environment when env is not set, sends the command's standard error to the executor's log and, with
checkCode=True, raises only "exited with error code 65". This function is RDD.pipe over bytes that also chains
stages within one task (as a shell pipeline does) and raises with each failed stage's standard error, so Mal's
`FILE:LINE:COLUMN: error: ...` message reaches the driver's exception. Elements are bytes lines without "\\n".

An argument that starts with "@" names a file shipped with addFile (see `pipe`).
"""
import subprocess
import threading


def pipe(rdd, stages, header=None, keep_head="first"):
    """Runs `stages` (argv lists, a pipeline) over every partition of `rdd` (bytes lines) and returns the output
    lines as a new RDD of bytes.

    header: a TSV header line (bytes) written before each partition's rows, so every partition is read as the
      whole file is (with its column names); Mal then writes its `#mal` line and the header on every partition.
    keep_head: for stages that write rows with a header: "first" keeps the leading lines (`#mal ...` lines and
      the header) on partition 0 only, so the collected output equals one process's output; "none" drops them
      everywhere. "all" keeps every line: use it for output without a header (vocab count, evaluate --summary).
    An argument "@NAME" is a file shipped with SparkContext.addFile: the first (the program) becomes its path,
    the others its name, as the stages run in the folder that holds the shipped files.
    """
    def run(index, lines):
        from pyspark import SparkFiles

        # The stages run in the folder of the shipped files and name them as given ("@vocab.txt" → vocab.txt), so
        # the #mal lines they write say vocab.txt, as a local run in the folder of vocab.txt does.
        root = SparkFiles.getRootDirectory()
        argvs = [[(SparkFiles.get(a[1:]) if i == 0 else a[1:]) if a.startswith("@") else a
                  for i, a in enumerate(argv)] for argv in stages]
        processes, errors, readers = [], [], []
        upstream = subprocess.PIPE
        for argv in argvs:
            try:
                p = subprocess.Popen(argv, stdin=upstream, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
            except OSError as e:
                raise RuntimeError(f"mal on partition {index}: cannot run {' '.join(argv)}: {e}") from None
            if processes:
                processes[-1].stdout.close()  # the next stage owns it now: the previous one sees EPIPE if it ends
            processes.append(p)
            upstream = p.stdout
            chunks = []
            errors.append(chunks)
            t = threading.Thread(target=lambda s=p.stderr, c=chunks: c.append(s.read()), daemon=True)
            t.start()
            readers.append(t)

        def feed(out):
            try:
                if header is not None:
                    out.write(header + b"\n")
                for line in lines:
                    out.write((line.encode("utf-8") if isinstance(line, str) else line) + b"\n")
            except BrokenPipeError:
                pass  # the stage stopped reading (it failed): its exit status and message say why
            finally:
                try:
                    out.close()
                except BrokenPipeError:
                    pass

        feeder = threading.Thread(target=feed, args=(processes[0].stdin,), daemon=True)
        feeder.start()
        keep = keep_head == "all" or (keep_head == "first" and index == 0)
        in_head = header is not None or keep_head == "none"
        for line in processes[-1].stdout:
            line = line[:-1] if line.endswith(b"\n") else line
            if in_head and not keep:
                if line.startswith(b"#mal "):
                    continue
                in_head = False
                if header is not None:
                    continue  # the header after the #mal lines
            yield line
        feeder.join()
        failed = []
        for argv, p, t, chunks in zip(argvs, processes, readers, errors):
            p.wait()
            t.join()
            if p.returncode != 0:
                message = b"".join(chunks).decode("utf-8", "replace").strip()
                failed.append(f"`{' '.join(argv[1:]) or argv[0]}` exited {p.returncode}: {message}")
        if failed:
            raise RuntimeError(f"mal on partition {index}: " + "; ".join(failed))

    return rdd.mapPartitionsWithIndex(run)


def read_lines(sc, path, partitions):
    """The lines of a local text file as an RDD of bytes, cut into `partitions` partitions at line boundaries,
    byte for byte: sc.textFile would decode them to Java strings first and so replace invalid UTF-8 with U+FFFD
    before any stage sees it (Mal's --strict could never fire)."""
    with open(path, "rb") as f:
        data = f.read().split(b"\n")
    if data and data[-1] == b"":
        data.pop()
    return sc.parallelize(data, partitions)
