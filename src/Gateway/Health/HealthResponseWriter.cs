using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>Writes a health report as JSON: overall status and, per check, status, description and data (never secrets).</summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            writer.WriteStartObject();
            writer.WriteString("status"u8, report.Status.ToString());
            writer.WriteNumber("totalDurationMs"u8, Math.Round(report.TotalDuration.TotalMilliseconds, 1));
            writer.WriteStartObject("checks"u8);
            foreach (var (name, entry) in report.Entries)
            {
                writer.WriteStartObject(name);
                writer.WriteString("status"u8, entry.Status.ToString());
                writer.WriteString("description"u8, entry.Description);
                if (entry.Data.Count > 0)
                {
                    writer.WriteStartObject("data"u8);
                    foreach (var (key, value) in entry.Data)
                    {
                        WriteValue(writer, key, value);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }

    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNull(key);
                break;
            case bool b:
                writer.WriteBoolean(key, b);
                break;
            case int i:
                writer.WriteNumber(key, i);
                break;
            case long l:
                writer.WriteNumber(key, l);
                break;
            case double d:
                writer.WriteNumber(key, d);
                break;
            case DateTimeOffset t:
                writer.WriteString(key, t.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }
}
