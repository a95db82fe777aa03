// Eleventy's configuration for the documentation site (docs/site/build.sh runs it): the pages
// assemble.mjs gathered, headings with GitHub's anchors (so README links such as
// engine.md#java-objects-in-scripts land), one layout, the images, and a path prefix for a site
// served from a sub-folder (SITE_PATH_PREFIX).
import { HtmlBasePlugin } from '@11ty/eleventy';
import anchor from 'markdown-it-anchor';

/** GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens. */
function githubSlug(text) {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

export default function (eleventyConfig) {
  eleventyConfig.amendLibrary('md', (md) => {
    md.set({ html: true, linkify: false, typographer: false });
    md.use(anchor, { slugify: githubSlug, tabIndex: false });
  });
  eleventyConfig.addPlugin(HtmlBasePlugin);
  eleventyConfig.addPassthroughCopy({ assets: '/' });
  eleventyConfig.addPassthroughCopy({ [process.env.SITE_STYLE]: '/style.css' });
  eleventyConfig.addGlobalData('nav', () => JSON.parse(process.env.SITE_NAV));
}

export const config = {
  dir: { input: '.', layouts: '_layouts', output: process.env.SITE_OUT },
  markdownTemplateEngine: false,
  pathPrefix: process.env.SITE_PATH_PREFIX || '/',
};
