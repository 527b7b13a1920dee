// Transitional lists; both only shrink and end empty.
//
// UNDECLARED_RESPONSES: routes that declare no answer yet (neither a `response` schema nor
// `status: 204`); their handlers may return anything. A route leaves the list when it declares
// one; openapi.integration.test.ts fails for a route missing from both, and for an entry here
// that is declared already.
//
// UNCHECKED_ANSWERS: routes that declare a `response` whose handler does not type-check against
// it yet (route.ts `Answer`); the integration tests still check their real answers at run time.
// A route leaves the list once its handler's return type matches the schema's output.
export const UNDECLARED_RESPONSES = [] as const satisfies readonly string[];

export const UNCHECKED_ANSWERS = [] as const satisfies readonly string[];

export type UndeclaredResponse = (typeof UNDECLARED_RESPONSES)[number];
export type UncheckedAnswer = (typeof UNCHECKED_ANSWERS)[number];
