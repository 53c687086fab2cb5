using Gateway.Credentials;
using Gateway.Health;
using Gateway.Hosting;
using Gateway.Inbound;
using Gateway.Mcp;
using Gateway.Proxy;

var builder = WebApplication.CreateBuilder(args);

builder.AddGatewayHosting();
builder.AddGatewayInboundAuth();
builder.AddGatewayMcp();
builder.AddGatewayUpstreamCredentials();
builder.AddGatewayProxy();
builder.AddGatewayHealth();

var app = builder.Build();
app.MapGateway();
app.Run();
