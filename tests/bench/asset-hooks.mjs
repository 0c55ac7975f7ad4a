// Node module hooks for the @mdx-js/mdx peer: `import x from './a.png'`
// gives the image's URL as a string, as a bundler (Docusaurus's webpack)
// would. Registered by renderers.mjs; the files need not exist.

export async function resolve(specifier, context, next) {
  if (/\.(png|jpe?g|gif|webp)$/i.test(specifier)) {
    return { url: new URL(specifier, context.parentURL).href, shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (/\.(png|jpe?g|gif|webp)$/i.test(url)) {
    return { format: "module", source: `export default ${JSON.stringify(url)};`, shortCircuit: true };
  }
  return next(url, context);
}
