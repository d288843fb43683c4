const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string)

const page = (lang: string, title: string, body: string): string => `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;background:#f4f6f8;display:flex;justify-content:center;padding-top:4rem}
main{background:#fff;padding:2rem 2.5rem;border-radius:8px;box-shadow:0 2px 8px #0002;min-width:20rem}
label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;margin-top:.25rem;box-sizing:border-box}
button{margin-top:1.5rem;width:100%;padding:.6rem;background:#2563eb;color:#fff;border:0;border-radius:4px;font-size:1rem}
.error{color:#b91c1c;margin-top:1rem}.note{color:#555;font-size:.8rem;margin-top:1.5rem}</style></head>
<body><main>${body}</main></body></html>
`

export interface LoginPage {
  action: string
  csrf: string
  lang: string
  provider: string
  username?: string
  error?: string
}

/** The hosted UI's sign-in form: posts username, password and `_csrf` back to `/login` with the same query. */
export function loginPage ({ action, csrf, lang, provider, username, error }: LoginPage): string {
  const heading = provider === 'COGNITO' ? 'Sign in with your username and password' : `Sign in with ${provider}`
  return page(lang, 'Signin', `<h1>${escapeHtml(heading)}</h1>
<form method="post" action="${escapeHtml(action)}" name="cognitoSignInForm">
<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
<label for="signInFormUsername">Username</label>
<input id="signInFormUsername" name="username" type="text" autocomplete="username" value="${escapeHtml(username ?? '')}" required>
<label for="signInFormPassword">Password</label>
<input id="signInFormPassword" name="password" type="password" autocomplete="current-password" required>
${error === undefined ? '' : `<p class="error" id="loginErrorMessage" role="alert">${escapeHtml(error)}</p>`}
<button type="submit" name="signInSubmitButton">Sign in</button>
</form>
<p class="note">fastify-cognito-auth local Cognito emulator: not a real user pool.</p>`)
}

/** Cognito's own error page, shown instead of redirecting to an unverified URI. */
export function errorPage (error: string, description: string): string {
  return page('en', 'Error', `<h1>An error was encountered with the requested page.</h1>
<p class="error" id="errorCode">error=${escapeHtml(error)}</p>
<p>${escapeHtml(description)}</p>`)
}
