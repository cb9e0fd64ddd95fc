# syntax=docker/dockerfile:1.7
# One image, three roles: `serve` (default), `ingest` (CronJob), `seed` (Job).

FROM node:22.21-bookworm-slim AS build
WORKDIR /app
# bench/ (an npm workspace) stays out of the image: without its package.json npm ci just leaves the workspace out.
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY test ./test
# scripts/client-types.ts generates the client's types; a test imports it, so the build compiles it.
COPY scripts ./scripts
# The product's project only (tsconfig.json); `npm run build` would build the bench package as well.
RUN npx tsc -b .
# The command as one ES module and a few chunks (scripts/bundle.ts): a start loads one file instead of
# ~300 modules. Also the startup snapshot's entry, whose blob is made in the final stage below.
RUN node dist/scripts/bundle.js

FROM node:22.21-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:22.21-bookworm-slim
# tini is PID 1: it forwards SIGTERM/SIGHUP to node and reaps zombies, so the drain logic runs.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production MOVIES_DATA_DIR=/var/lib/cinedex
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/bundle ./dist/bundle
# What makes the startup snapshot (below) and what starts from it, or from the bundle when it does not fit.
COPY --from=build /app/dist/scripts/snapshot.js ./dist/scripts/snapshot.js
COPY scripts/cinedex.sh ./scripts/cinedex.sh
# The modules the bundle was made from, for `node --enable-source-maps dist/src/cli/main.js` when a stack
# should name the TypeScript lines (the bundle's name its own: see docs/operations.md).
COPY --from=build /app/dist/src ./dist/src
# The search page is read from the source folder at startup (tsc does not copy it): see src/web/web-routes.ts.
COPY --from=build /app/src/web/static ./src/web/static
# The default MOVIES_SEED: a pod seeds from this pinned copy with no internet access (assets/seed/README.md).
COPY assets/seed ./assets/seed
COPY package.json ./
# Large buffers on 2 MiB pages (glibc >= 2.35 asks the kernel with MADV_HUGEPAGE; a host whose
# transparent_hugepage mode is `never` ignores it). A segment is ~700 MB at a million movies: read into
# 4 KiB pages it takes ~173,000 page faults, and both the read and its sha256 pay for the TLB misses.
# Loading that segment took 5.0-5.8 s of CPU without, 1.1-2.2 s with (a fresh process, 2 shared cores).
ENV GLIBC_TUNABLES=glibc.malloc.hugetlb=1
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
RUN mkdir -p /var/lib/cinedex /app/.node-compile-cache /app/dist/bundle/snapshot \
  && chown 10001:10001 /var/lib/cinedex /app/.node-compile-cache /app/dist/bundle/snapshot
USER 10001:10001
# V8's compile cache (Node >= 22.1), filled here once: a pod's start reads every module's compiled code
# instead of compiling it (30-40 ms of CPU of ~420 to ready on the seed, Node 22, loaded VM). Filled as the
# user that runs the image: Node keys the cache's folder by uid (v22.21.1-x64-<flags>-10001), so a cache
# filled as root is never read by uid 10001 (docs/investigations/restart300.md). Read-only at run time
# (the pod's root filesystem is); a module missing from it is just compiled. The bundle's entry runs the
# command (--help compiles it); its chunks are imported (the ingestion thread's entry would run as a thread).
RUN node dist/bundle/cli/main.js --help > /dev/null && node --input-type=module -e "import { readdirSync } from 'node:fs'; \
  for (const f of readdirSync('dist/bundle/cli')) if (/-[A-Z0-9]{8}\.js$/.test(f)) await import('./dist/bundle/cli/' + f)"
# The startup snapshot (scripts/snapshot.ts), made by this image's Node, which alone can read it: a start
# from it begins with serve's modules loaded (~0.65x the CPU to ready on the seed, docs/investigations/
# restart.md). Made by the user that runs the image, into the one folder of the bundle it may write.
RUN node dist/scripts/snapshot.js
EXPOSE 8080
# scripts/cinedex.sh execs node from the snapshot when it fits (this image's Node, no NODE_OPTIONS), else
# the bundle; node keeps the process, so tini signals it. No --enable-source-maps: with it Node reads and
# parses the bundle's source maps at every start (~0.1-0.3 s of CPU, more than loading the bundle itself).
ENTRYPOINT ["/usr/bin/tini", "--", "/bin/sh", "scripts/cinedex.sh"]
CMD ["serve"]
