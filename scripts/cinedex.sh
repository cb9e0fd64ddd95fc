#!/bin/sh
# Starts `cinedex <command>` (`npm start`, the image's entrypoint) from the startup snapshot when it fits this
# machine, else from the bundle: the same code either way (scripts/snapshot.ts, docs/operations.md).
# The snapshot is used only when
# - its blob and stamp exist (`npm run build` made them; a build without them just runs the bundle),
# - `node` is the binary that made it, unchanged since: Node refuses another version's blob and exits,
# - the bundle's snapshot entry is still where the blob was made from (the blob holds paths found from it),
#   and not newer than the blob (a bundle rebuilt without its blob: the blob would run the older code),
# - NODE_OPTIONS is empty: a V8 flag there makes Node refuse the blob, and --import is not run from a blob.
# `exec` keeps the process: tini (the image's PID 1) signals node itself, so the drain runs.
# The script's folder without running dirname: every process started before node delays the start.
case "$0" in */*) here="${0%/*}" ;; *) here=. ;; esac
bundle="$here/../dist/bundle"
blob="$bundle/snapshot/cinedex.blob"
node="$(command -v node)"
if [ -z "$NODE_OPTIONS" ] && [ -f "$blob" ] && [ -f "$blob.node" ] && { read -r made_by && read -r entry; } < "$blob.node" \
  && [ "$node" -ef "$made_by" ] && [ ! "$node" -nt "$blob" ] && [ "$entry" -ef "$bundle/cli/snapshot-entry.cjs" ] \
  && [ ! "$entry" -nt "$blob" ]; then
  exec node --snapshot-blob "$blob" -- "$@"
fi
exec node "$bundle/cli/main.js" "$@"
