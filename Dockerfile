# syntax=docker/dockerfile:1
# check502: one image for both roles. `docker run IMAGE` starts `check502 serve` (HTTP front and
# in-process workers); `docker run IMAGE worker` starts workers only, for scaling out.

# ---- build: full dependencies, compile TypeScript to dist/ ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
# `prepare` would run tsc before the sources are here; build explicitly below instead.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies only, compiled code, non-root ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (tsc) is a dev-time step; dist/ comes from the build stage.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY --from=build /app/dist ./dist
# The `node` user (uid 1000) ships with the official image; nothing here needs root.
USER node
EXPOSE 3000
# /healthz answers while the process runs; the slim image has no curl, so node asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM goes straight to node (exec form, no shell), which shuts down gracefully.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "bin/check502.js"]
CMD ["serve"]
