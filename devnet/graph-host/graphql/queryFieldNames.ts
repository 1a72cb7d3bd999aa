/**
 * The names of an entity type's two `Query` fields as graph-node derives them: camel case of the type name
 * and of its English plural; when both are equal the plural gets `_collection`.
 */
export function queryFieldNames(typeName: string): { single: string; collection: string } {
  const single = camelCase(typeName);
  let collection = camelCase(pluralize(typeName));
  if (collection === single) collection += '_collection';
  return { single, collection };
}

function camelCase(name: string): string {
  const words = name.match(/[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+/g) ?? [name];
  return words
    .map((word, i) => {
      const lower = word.toLowerCase();
      return i === 0 ? lower : lower.charAt(0).toUpperCase() + lower.slice(1);
    })
    .join('');
}

/** English plural rules (the common ones graph-node's inflector also applies), on the last word. */
const PLURAL_RULES: [RegExp, string][] = [
  [/(quiz)$/i, '$1zes'],
  [/^(ox)$/i, '$1en'],
  [/(pe)rson$/i, '$1ople'],
  [/(child)$/i, '$1ren'],
  [/([ml])ouse$/i, '$1ice'],
  [/(matr|vert|ind|append|cod)(?:ix|ex)$/i, '$1ices'],
  [/(x|ch|ss|sh|zz)$/i, '$1es'],
  [/([^aeiouy]|qu)y$/i, '$1ies'],
  [/(?:([^f])fe|([lr])f)$/i, '$1$2ves'],
  [/(her|at|gr)o$/i, '$1oes'],
  [/(ax|test)is$/i, '$1es'],
  [/sis$/i, 'ses'],
  [/(octop|vir|radi|nucle|fung|cact|stimul)us$/i, '$1i'],
  [/(alias|[^aou]us|tlas|gas|ris)$/i, '$1es'],
  [/(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|errat|ov|symposi|curricul|quor)um$/i, '$1a'],
  [/(criteri|phenomen|prolegomen|noumen|organ)on$/i, '$1a'],
  [/([^aeiou]ese)$/i, '$1'],
  [/s$/i, 's'],
];

function pluralize(name: string): string {
  for (const [pattern, replacement] of PLURAL_RULES) {
    if (pattern.test(name)) return name.replace(pattern, replacement);
  }
  return `${name}s`;
}
