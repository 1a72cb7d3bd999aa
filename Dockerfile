# The keeper's image: production dependencies only, run as the unprivileged `node` user.
# Build: docker build -t dex223-keeper .   Run: see docker-compose.yml.

FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only; no install scripts run (none of them is needed at run time).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin/dex223-keeper.mjs ./bin/
COPY keeper/src ./keeper/src
COPY keeper.example.yaml ./
USER node
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m CMD node -e "fetch('http://127.0.0.1:9464/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/dex223-keeper.mjs"]
CMD ["run", "--config", "/config/keeper.yaml"]
