# syntax=docker/dockerfile:1
# Multi-stage build: restore (cached layer) -> publish -> run as non-root on :8080 (STYLE.md §14).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Build policy and project files first, so the restore layer is reused until a package changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/Gateway/Gateway.csproj
COPY appsettings.json ./
COPY src/ src/
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
# The data directory (Data Protection keys) must be writable by the non-root user; mount a volume
# here, shared by every replica, so session ids survive restarts and work across replicas.
RUN mkdir -p /app/data && chown "$APP_UID" /app/data
VOLUME /app/data
USER $APP_UID
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080 \
    Gateway__State__DataDirectory=/app/data
# Orchestrators probe /healthz/live, /healthz/ready and /healthz/startup over HTTP.
EXPOSE 8080
ENTRYPOINT ["dotnet", "Gateway.dll"]
