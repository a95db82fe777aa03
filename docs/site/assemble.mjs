// Gathers the site's pages: every page of pages.json, and every bench/results/*/table.md under
// "Performance", copied into the site's source folder with front matter, their links rewritten
// so that a link to another page goes to that page, a link to an image goes to a copy of it, and
// a link to any other file of the repository goes to that file in the repository.
//
//   node assemble.mjs <repository root> <site source folder> <repository URL>
import fs from 'node:fs';
import path from 'node:path';

const [root, out, repositoryUrl] = process.argv.slice(2);
if (!root || !out || !repositoryUrl) {
  console.error('usage: node assemble.mjs <repository root> <site source folder> <repository URL>');
  process.exit(2);
}
const config = JSON.parse(fs.readFileSync(new URL('./pages.json', import.meta.url), 'utf8'));

// bench/results/<run>/table.md, newest run first, after the pages the file names
const results = path.join(root, 'bench/results');
const runs = fs.readdirSync(results)
  .filter((run) => fs.existsSync(path.join(results, run, 'table.md')))
  .sort()
  .reverse();
const performance = config.sections.find((s) => s.name === 'Performance');
for (const run of runs) {
  performance.pages.push({
    source: `bench/results/${run}/table.md`,
    url: `/bench/results/${run}/`,
    title: `Bench run ${run}`,
  });
}

const pages = config.sections.flatMap((s) => s.pages);
const urlOf = new Map(pages.map((p) => [p.source, p.url]));
const assets = new Set();

/** Where a link written in the file at source (a repository path) leads on the site. */
function rewrite(target, source) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) {
    return target; // a URL, or a place in the same page
  }
  const hash = target.indexOf('#');
  const file = hash < 0 ? target : target.slice(0, hash);
  const anchor = hash < 0 ? '' : target.slice(hash);
  const repoPath = path.posix.normalize(path.posix.join(path.posix.dirname(source), file))
    .replace(/\/$/, '');
  if (repoPath.startsWith('..')) {
    throw new Error(`${source}: the link ${target} leaves the repository`);
  }
  if (urlOf.has(repoPath)) {
    return urlOf.get(repoPath) + anchor;
  }
  if (/\.(svg|png|jpe?g|gif)$/i.test(repoPath)) {
    assets.add(repoPath);
    return '/' + repoPath;
  }
  if (!fs.existsSync(path.join(root, repoPath))) {
    throw new Error(`${source}: the link ${target} names ${repoPath}, which does not exist`);
  }
  const kind = fs.statSync(path.join(root, repoPath)).isDirectory() ? 'tree' : 'blob';
  return `${repositoryUrl}/${kind}/main/${repoPath}${anchor}`;
}

/** The markdown with every link and image target rewritten; code is left as it is. */
function rewriteLinks(text, source) {
  let inFence = false;
  return text.split('\n').map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      return line;
    }
    if (inFence) {
      return line;
    }
    // split off inline code spans so a link-like text inside them stays as written
    return line.split(/(`[^`]*`)/).map((part) =>
      part.startsWith('`') ? part
        : part.replace(/(!?\[[^\]]*\]\()([^)\s]+)(\))/g,
          (all, open, target, close) => open + rewrite(target, source) + close)
    ).join('');
  }).join('\n');
}

fs.rmSync(out, { recursive: true, force: true });
for (const page of pages) {
  const text = fs.readFileSync(path.join(root, page.source), 'utf8');
  const front = ['---', `title: ${JSON.stringify(page.title)}`, `permalink: ${JSON.stringify(page.url)}`,
    `source: ${JSON.stringify(page.source)}`, 'layout: page.njk', '---', ''].join('\n');
  const file = path.join(out, 'pages', page.source.replace(/\//g, '--'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // a page without its own title (a bench table) gets the one pages.json gives it
  const heading = /^#\s/.test(text) ? '' : `# ${page.title}\n\n`;
  fs.writeFileSync(file, front + heading + rewriteLinks(text, page.source));
}
for (const asset of assets) {
  const to = path.join(out, 'assets', asset);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(root, asset), to);
}
fs.writeFileSync(path.join(out, 'nav.json'), JSON.stringify({ ...config, repository: repositoryUrl }, null, 1));
console.log(`[site] ${pages.length} pages, ${assets.size} images`);
