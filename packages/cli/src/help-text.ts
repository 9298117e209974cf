/**
 * The text of `chipq --help` and of each command's `--help`. The exit-code table here is the
 * contract scripts rely on; packages/cli/README.md repeats it.
 */

const exitCodeText = `Exit codes:
  0  every image was inspected and none FAILed (PASS and REVIEW only); other commands: success
  1  at least one image FAILed (turn off with --no-fail-exit)
  2  usage error: bad arguments, options or manifest; nothing was inspected
  3  some images could not be processed (unreadable, not an image, wrong size, ...);
     they are listed in the summary and have an error in the results file
  4  the engine, the server or the model is unavailable (also: health not ready)
  70  an unexpected error (a bug: please report it with the printed stack)
  130  interrupted (Ctrl-C); results so far are written
  When several apply, the highest in the order 4, 3, 1 wins.
`;

export const mainHelp = `chipq - visual defect detection on PCB and semiconductor images

Usage:
  chipq inspect <files, folders or globs> [options]   inspect images, write results and overlays
  chipq models list|get|load|unload|deploy|promote|rollback [options]  manage a server's models
  chipq keys create|list|revoke [options]             manage a server's API keys (admin key)
  chipq review queue|quality [options]                results to review; precision and recall from reviews
  chipq experiments create|list|show|stop [options]   A/B experiments between a model's versions
  chipq health [options]                              a server's liveness and readiness
  chipq --version

Run \`chipq <command> --help\` for a command's options.

${exitCodeText}`;

export const inspectHelp = `Usage: chipq inspect <files, folders or globs> [options]
       chipq inspect --manifest pairs.csv|pairs.jsonl [options]

Where the model runs:
  --embedded               in this process, on the embedded ONNX Runtime engine (the default)
  --models DIR             model repository for --embedded (default ./models)
  --server URL             on a chipq server (default: $CHIPQ_SERVER_URL when set)
  --api-key KEY            the server's API key (default: $CHIPQ_API_KEY), once it requires keys
  --model NAME             model to use (default: the only one there is)
  --version N              model version (default: the model's default_version; needs --model)

Which images:
  <files, folders, globs>  folders are searched recursively for png, jpg, jpeg, tif, tiff, webp, gif
  --pair IMG:REF           find each image's reference by name in the same folder:
                           --pair _test:_temp maps x_test.jpg to x_temp.jpg; files that match
                           the right-hand side are references and are not inspected themselves
  --manifest FILE          CSV (with a header) or JSONL with columns image, reference and
                           traceability columns lot_id, wafer_id, die_x, die_y, station_id;
                           other columns become tags; paths are relative to the manifest

What comes out:
  -o, --out FILE           results, one record per image: .jsonl or .csv by extension,
                           - for JSONL on stdout (the summary then goes to stderr)
  --overlay-dir DIR        copies of the images with the boxes and labels drawn
  --klarf FILE             the defects as KLARF 1.8 for the fab's defect tools (needs --manifest
                           with lot_id, wafer_id, die_x, die_y on every row)
  --pixel-size UM          micrometres per image pixel for --klarf (default: the model's
                           chipq.pixel_size_um parameter; required with --server)
  -q, --quiet              no progress and no summary

How:
  -c, --concurrency N      images in flight; the engine batches them (default 8)
  --threshold X            confidence (0-1) from which a detection counts (default: the model's, or 0.75)
  --timeout MS             deadline per image in ms (default 60000)
  --no-fail-exit           exit 0 even when images FAIL

${exitCodeText}
Examples:
  chipq inspect ./deeppcb/group00041 --pair _test:_temp --model pcb_defect_detector --out results.csv
  chipq inspect 'scans/**/*_test.png' --pair _test:_ref --server http://localhost:8080 --overlay-dir overlays
  chipq inspect --manifest lot-42.csv --out - | jq 'select(.verdict == "FAIL")'
  chipq inspect --manifest lot-42.csv --klarf lot-42.klarf
`;

export const modelsHelp = `Usage: chipq models <list|get|load|unload|deploy|promote|rollback> [options]

  chipq models list                          every model and its versions' states
  chipq models get NAME                      a model's details
  chipq models load NAME                     load (or reload) a model
  chipq models unload NAME                   unload a model
  chipq models deploy NAME --onnx FILE [--config config.pbtxt] [--labels labels.txt] [--version N] [--no-load]
                                             upload a new version; validated before it is served
  chipq models promote NAME --version N --reason TEXT [--force]
                                             make version N the default on every replica (recorded), once it
                                             passes the model's golden-set gate (--force: past a refusal, recorded)
  chipq models rollback NAME --reason TEXT   restore the default the latest promotion replaced

Options:
  --server URL     the chipq server (default: $CHIPQ_SERVER_URL)
  --api-key KEY    API key (default: $CHIPQ_API_KEY); load, unload, deploy, promote and rollback need the admin scope
  --json           print the server's JSON answer instead of a table

${exitCodeText}`;

export const experimentsHelp = `Usage: chipq experiments <create|list|show|stop> [options]

  chipq experiments create --model NAME [--mode split|shadow] [--unit lot_id|wafer_id|request] --arm VERSION[:WEIGHT][=NAME] ...
        start one (admin key). split (default, by wafer_id): each lot/wafer/request is served by one arm,
        WEIGHT its share; shadow: the default version answers, the other arms run afterwards and are stored
  chipq experiments list [--model NAME] [--status running|stopped]
  chipq experiments show ID       per-arm figures, differences with 95% intervals and tests, shadow agreement
  chipq experiments stop ID --reason TEXT [--promote ARM] [--force]
        stop it (admin key); --promote makes that arm's version the default through the golden-set gate

Options:
  --server URL     the chipq server (default: $CHIPQ_SERVER_URL)
  --api-key KEY    API key (default: $CHIPQ_API_KEY)
  --json           print the server's JSON answer instead of tables

Examples:
  chipq experiments create --model pcb_defect_detector --unit wafer_id --arm 3:50 --arm 1:50
  chipq experiments create --model pcb_defect_detector --mode shadow --arm 3 --arm 1=candidate

${exitCodeText}`;

export const keysHelp = `Usage: chipq keys <create|list|revoke> [options]

  chipq keys create --scope infer [--scope read] [--name NAME]
                                  a new key; its secret is printed once (only its hash is kept)
  chipq keys list                 every key: id, name, scopes, created, revoked
  chipq keys revoke ID            the key stops working at once

Scopes: admin (everything: models, keys), infer (predict, batches, reads), review (human review
of stored results, and reads: an operator's key), read (reads).
Inference and reads stay open to callers without a key until a key with the infer scope exists.

Options:
  --server URL     the chipq server (default: $CHIPQ_SERVER_URL)
  --api-key KEY    an admin key (default: $CHIPQ_API_KEY), e.g. the server's CHIPQ_ADMIN_KEY
  --json           print the server's JSON answer

${exitCodeText}`;

export const healthHelp = `Usage: chipq health [--server URL] [--api-key KEY] [--json]

Prints the server's liveness and readiness (database, engine, each model). Exits 0 when ready,
4 when not ready or unreachable.
`;

export const reviewHelp = `Usage: chipq review <queue|quality> [options]

  chipq review queue              unreviewed results: REVIEW verdicts first, then a sample of the rest
  chipq review quality            precision, recall and verdict agreement from reviews (95 % intervals)

Options:
  --server URL          the server (default: $CHIPQ_SERVER_URL)
  --api-key KEY         the server's API key (default: $CHIPQ_API_KEY), once it requires keys
  --model NAME          one model only
  --experiment ID       one experiment's results only
  --by-arm              quality per experiment arm instead of per model version
  --bucket B            quality per hour, day, week or all (default all)
  --sample-rate R       queue: share of PASS/FAIL results sampled after the REVIEW verdicts (default 0.1)
  --limit N             queue: items to list (default 50)
  --json                the server's answer as JSON

Reviews are made in the console (Review) or with POST /api/v1/inference/{id}/review.
`;
