// The names of an object's own accessor properties (get or set). The request path must define
// none per request: V8 allocates an accessor pair in old space, and through it the request
// survives young-generation GCs (gateway/README.md#garbage-collection).
export function ownAccessors(object: object): string[] {
  return Object.entries(Object.getOwnPropertyDescriptors(object))
    .filter(
      ([, descriptor]) => Object.hasOwn(descriptor, 'get') || Object.hasOwn(descriptor, 'set'),
    )
    .map(([name]) => name);
}
