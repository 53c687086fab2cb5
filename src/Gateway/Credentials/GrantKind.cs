namespace Gateway.Credentials;

/// <summary>Whose grant a <see cref="OAuthUpstreamCredentialProvider"/> keeps, which decides how it is renewed and who can restore it.</summary>
public enum GrantKind
{
    /// <summary>The operator-connected service account: refresh tokens; an operator reconnects it.</summary>
    ServiceAccount,

    /// <summary>Salesforce's client credentials flow: no refresh token; a new token is simply requested.</summary>
    ClientCredentials,

    /// <summary>One user's own grant, stored when they signed in through the gateway's authorization server; they sign in again to restore it.</summary>
    User,
}
