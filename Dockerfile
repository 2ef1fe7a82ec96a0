# Build stage: the release binary.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY crates ./crates
COPY migrations ./migrations
COPY tests ./tests
RUN cargo build --release --locked --bin errand

# Runtime: the binary plus PostgreSQL server binaries for the managed local database
# (unused when DATABASE_URL points at an external server). Runs as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 errand \
 && mkdir /data && chown errand:errand /data
COPY --from=build /src/target/release/errand /usr/local/bin/errand
USER errand
WORKDIR /home/errand
ENV ERRAND_DATA_DIR=/data ERRAND_BIND=0.0.0.0 ERRAND_PORT=8080
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
# Binding 0.0.0.0 needs an API key: run with -e ERRAND_ADMIN_KEY=<32+ characters>, or
# create keys with `errand keys create` against the same database.
CMD ["errand", "serve", "--bind", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
