# Multi-stage build of the broker server: the SDK image builds, the ASP.NET runtime image runs.
# Not built in CI (no container engine there).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY . .
RUN dotnet publish src/Broker.Server/Broker.Server.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# lz4 and zstd compression use the system's reference libraries.
RUN apt-get update \
 && apt-get install -y --no-install-recommends liblz4-1 libzstd1 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
COPY config/ /app/config/
VOLUME /var/lib/broker
# 9192 clients, 9193 controller quorum, 9180 HTTP (health, metrics).
EXPOSE 9192 9193 9180
ENTRYPOINT ["dotnet", "Broker.Server.dll", "--data-dir", "/var/lib/broker", "--config", "/app/config/broker.json"]
