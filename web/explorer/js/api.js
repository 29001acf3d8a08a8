// The only way the explorer talks to the server: POST /graphql. Every failure becomes an
// ApiError whose message is what the user is shown (the API's own messages say what is
// wrong and what to do).
import { t } from './i18n.js';

export class ApiError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.name = 'ApiError';
    this.errors = errors;
  }
}

// `headers`: e.g. the review page's Authorization for a mutation (never stored).
export async function gql(query, variables = {}, headers = {}) {
  let response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      // application/json: GraphQL errors come back as 200 with `errors`, so a refused
      // query is shown to the user without the browser logging a failed request.
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(t('error.network', { detail: error.message }));
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(t('error.http', { status: response.status }));
  }
  if (body?.errors?.length) {
    throw new ApiError(body.errors.map((e) => e.message).join('\n'), body.errors);
  }
  if (!response.ok || !body?.data) throw new ApiError(t('error.http', { status: response.status }));
  return body.data;
}
