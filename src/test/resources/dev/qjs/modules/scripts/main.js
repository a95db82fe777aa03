import { twice } from './lib/util.js';
export default twice(21);
