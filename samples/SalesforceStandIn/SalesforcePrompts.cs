using System.ComponentModel;
using ModelContextProtocol.Server;

namespace SalesforceStandIn;

[McpServerPromptType]
internal sealed class SalesforcePrompts
{
    [McpServerPrompt(Name = "summarizeAccount")]
    [Description("Asks for a summary of an account and its open opportunities.")]
    public static string SummarizeAccount([Description("The account id.")] string accountId) =>
        $"Summarize account {accountId}: its industry, revenue, contacts and open opportunities. Use soqlQuery to read them.";
}
