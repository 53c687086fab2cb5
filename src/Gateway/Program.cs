using Gateway.Audit;
using Gateway.Authorization;
using Gateway.Credentials;
using Gateway.Health;
using Gateway.Hosting;
using Gateway.Inbound;
using Gateway.Mcp;
using Gateway.Proxy;
using Gateway.State;
using Gateway.Telemetry;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayHosting();
builder.AddGatewayState();
builder.AddGatewayTelemetry();
builder.AddGatewayInboundAuth();
builder.AddGatewayAuthorizationServer();
builder.AddGatewayMcp();
builder.AddGatewayUpstreamCredentials();
builder.AddGatewayProxy();
builder.AddGatewayHealth();
builder.AddGatewayAudit();

var app = builder.Build();
if (ConnectCommand.TryRun(app, args, out var exitCode))
{
    return exitCode;
}

app.MapGateway();
app.Run();
return 0;
