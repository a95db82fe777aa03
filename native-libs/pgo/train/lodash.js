// Training run for the release libraries' profile (native-libs/pgo/README.md): lodash
// (evaluated before this file by profile.sh) over records built in code.
'use strict';

function trainLodash(rounds) {
  let h = 0;
  for (let r = 0; r < rounds; r++) {
    const people = _.times(600, (i) => ({ id: i, name: 'person' + i, age: 18 + (i * 7) % 60, city: ['Oslo', 'Lima', 'Pune', 'Graz'][i % 4], score: (i * 37) % 101 }));
    const byCity = _.groupBy(people, 'city');
    const oldest = _.mapValues(byCity, (list) => _.maxBy(list, 'age').name);
    const sorted = _.orderBy(people, ['city', 'score', 'id'], ['asc', 'desc', 'asc']);
    const chunks = _.chunk(_.map(sorted, 'id'), 7);
    const stats = _.chain(people).filter((p) => p.age > 30).map((p) => p.score).sortBy().uniq().sum().value();
    const deep = _.cloneDeep({ people: people.slice(0, 50), meta: { when: 'now', tags: ['a', 'b'] } });
    const merged = _.merge({}, deep, { meta: { tags: ['c'], extra: true } });
    const picked = _.map(people.slice(0, 100), (p) => _.pick(p, ['id', 'name']));
    const keyed = _.keyBy(people, (p) => _.kebabCase(p.name + ' ' + p.city));
    const tpl = _.template('<li><%- name %> (<%= age %>)</li>');
    const html = _.map(people.slice(0, 80), tpl).join('');
    const words = _.words('The lodash training run: camelCase, snake_case and Title Case words');
    h = (h * 31 + _.size(byCity) + _.size(oldest) + chunks.length + stats + merged.meta.tags.length +
      picked.length + _.size(keyed) + html.length + _.camelCase(words.join(' ')).length +
      (_.isEqual(deep.people[3], people[3]) ? 1 : 0)) | 0;
  }
  return h;
}

trainLodash(typeof TRAIN_ROUNDS === 'number' ? TRAIN_ROUNDS : 10);
'lodash training done';
