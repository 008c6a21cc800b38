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
# Inside a container the listeners must take every interface; clients reach it through the published ports.
ENTRYPOINT ["dotnet", "Broker.Server.dll", "--config", "/app/config/broker.json", "--data-dir", "/var/lib/broker", \
            "--listen", "0.0.0.0:9192", "--http-listen", "0.0.0.0:9180"]
