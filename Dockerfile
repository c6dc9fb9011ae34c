# One image for every process: the gateway (default CMD), the worker
# (`docker run … node dist/adapters/worker.js`) and the reference taxpayer portal
# (`docker run … node dist/portal/server/main.js`, PORTAL_* settings in README.md).
# Build stage compiles TypeScript; the runtime stage holds production dependencies only.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY gateway ./gateway
COPY adapters ./adapters
COPY config ./config
COPY scripts ./scripts
COPY schemas ./schemas
COPY portal ./portal
RUN npm run build

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production GW_ENV=production PORT=8080
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
COPY schemas ./schemas
COPY portal/pages ./portal/pages
COPY portal/assets ./portal/assets
COPY gateway/console/assets ./gateway/console/assets
# Without GW_DATA_KEYS (development only) the first process writes a data key into .data: the node
# user must own it, and docker-compose shares it between the gateway and the worker as a volume,
# or the worker could not open what the gateway sealed (README.md#docker).
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/gateway/main.js"]
