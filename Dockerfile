# syntax=docker/dockerfile:1
# Multi-stage: build TypeScript with dev dependencies, run compiled JavaScript as a non-root user.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY api ./api
COPY worker ./worker
COPY shared ./shared
COPY emulator ./emulator
COPY scripts ./scripts
COPY bench ./bench
COPY cli ./cli
# `npm run build` also copies the Lua scripts (shared/redis/lua) into dist, which the runtime stage takes.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
USER node
EXPOSE 3000
# The same image runs every part: `node dist/api/main.js` (default), `node dist/worker/main.js`,
# `node dist/emulator/main.js`.
CMD ["node", "dist/api/main.js"]
