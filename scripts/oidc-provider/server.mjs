// A real OpenID Provider (panva's oidc-provider) for the OIDC relying-party tests; never deployed.
//
// Usage: node server.mjs [port]   (or PORT=...; 0, the default, picks a free port)
// Prints exactly one line to stdout once listening, `issuer=http://127.0.0.1:<port>`, then runs until
// killed. The provider's own warnings go to stderr; among them "Unsupported runtime. Use Node.js
// v22.x": oidc-provider 9 is only supported on Node 22+, but runs on Node 20 (this machine's), as the
// tests show.
//
// Accounts: there is no user database; the login typed into the login form *is* the account, so a
// test chooses the identity it needs. The login is `[unverified+]<address>[#group,group...]`:
//   ada@example.org                 sub "ada@example.org", email "ada@example.org", email_verified true,
//                                   name "ada", groups []
//   unverified+ada@example.org      sub "unverified+ada@example.org", email "ada@example.org",
//                                   email_verified false (another account claiming the same address)
//   ada@example.org#pastors,staff   sub "ada@example.org#pastors,staff", email "ada@example.org",
//                                   groups ["pastors", "staff"]
// The sub is always the whole login (oidc-provider makes it the account id), so it is stable per
// login and a different login is a different account. Any password is accepted.
//
// Scopes and claims, all placed in the ID token (conformIdTokenClaims is off), not only in userinfo:
//   openid -> sub; email -> email, email_verified; profile -> name; groups -> groups.
// `groups` is a scope of its own, as with Dex, Okta or Authentik: ask for it in extra_scopes.
//
// Clients: dynamic client registration (RFC 7591) is open: POST JSON to `registration_endpoint`
// (`<issuer>/reg`), e.g. {"redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method":
// "client_secret_basic" | "none", "id_token_signed_response_alg": "RS256" | "PS256" | "ES256" |
// "EdDSA" | "HS256"}; the answer (201) carries client_id and, for confidential clients, client_secret.
// Redirect URIs match exactly. PKCE with S256 is required of every client.
//
// Signing in without a browser (the development interactions, plain HTML forms):
//   1. GET the authorization URL. 303 to /interaction/<uid>; keep the cookies the provider sets.
//   2. GET /interaction/<uid> (a login form), then POST /interaction/<uid> as
//      application/x-www-form-urlencoded with prompt=login&login=<login>&password=<anything>.
//   3. Follow the redirects (to /auth/<uid>, then /interaction/<uid2>, a consent page).
//   4. POST /interaction/<uid2> with prompt=consent. Follow the redirects until one leaves the
//      issuer: it goes to the redirect URI with `code`, `state` and `iss` in the query.
// An error before the redirect URI is verified (unknown client, unregistered redirect URI) is
// answered by the provider itself, as an HTML page with status 400, never by redirecting.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const ID_TOKEN_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256'];

// Parses a login into the claims above; see the header for the convention.
function account(login) {
  const [person, groupList = ''] = String(login).split('#', 2);
  const unverified = person.startsWith('unverified+');
  const email = unverified ? person.slice('unverified+'.length) : person;
  return {
    email,
    email_verified: !unverified,
    name: email.split('@')[0],
    groups: groupList.split(',').map((group) => group.trim()).filter(Boolean),
  };
}

// Fresh keys per run, one per key type, so every allowed algorithm can be tested against a real
// signature and nothing signed by an earlier run verifies.
function signingKeys() {
  const jwk = (type, options) => generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' });
  return [
    { ...jwk('rsa', { modulusLength: 2048 }), kid: 'rsa', use: 'sig' },
    { ...jwk('ec', { namedCurve: 'P-256' }), kid: 'ec', use: 'sig' },
    { ...jwk('ed25519'), kid: 'ed25519', use: 'sig' },
  ];
}

const configuration = {
  jwks: { keys: signingKeys() },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
  },
  pkce: { required: () => true },
  enabledJWA: { idTokenSigningAlgValues: ID_TOKEN_ALGS },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  conformIdTokenClaims: false,
  async findAccount(_ctx, id) {
    const claims = account(id);
    return { accountId: id, claims: async () => claims };
  },
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 60,
    IdToken: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
};

const requested = process.argv[2] ?? process.env.PORT ?? '0';
const server = createServer();
server.listen(Number(requested), '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, error) => console.error('server_error', error));
  server.on('request', provider.callback());
  console.log(`issuer=${issuer}`);
});
