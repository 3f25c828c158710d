import { type ApiResponse, checkRequest, type EngineApi } from '../../shared/engine-api.js';

/**
 * One request, whatever carried it: the method and every argument are checked against the
 * contract before the engine is called, and failures come back as messages, never as crashes.
 */
export async function dispatch(api: EngineApi, message: unknown): Promise<ApiResponse | null> {
  if (typeof message !== 'object' || message === null) return null;
  const { id, method, params } = message as { id?: unknown; method?: unknown; params?: unknown };
  if (typeof id !== 'number') return null;
  const checked = checkRequest(method, params);
  if (!checked.ok) return { id, error: checked.reason };
  try {
    const call = api[checked.method] as (p: unknown) => Promise<unknown>;
    return { id, result: await call.call(api, checked.params) };
  } catch (error) {
    return { id, error: (error as Error).message };
  }
}
