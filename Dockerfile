# syntax=docker/dockerfile:1
# One image for every Kindling service (api, worker, tracking, migrate); docker-compose.yml picks
# the command. Dev dependencies stay in the image on purpose: `npm run db:migrate` runs the
# Prisma CLI and its migrate-only adapter, both dev dependencies.
FROM node:20-bookworm-slim

ENV TURBO_TELEMETRY_DISABLED=1 \
    PRISMA_HIDE_UPDATE_MESSAGE=1 \
    CHECKPOINT_DISABLE=1

# The lockfile is written by npm 11 (package.json "packageManager"); the base image ships npm 10.
RUN npm install -g npm@11.19.1 --no-audit --no-fund && npm --version

WORKDIR /app

# Everything is copied before `npm ci` because the root postinstall (`npm run db:generate`)
# needs prisma/ and scripts/, and every workspace's package.json must be present.
# .dockerignore keeps node_modules, dist and local files out.
COPY . .

RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund

RUN npm run build

ENV NODE_ENV=production
USER node

# docker-compose.yml sets the command per service; api is the default.
EXPOSE 3000 3001
CMD ["node", "apps/api/dist/main.js"]
