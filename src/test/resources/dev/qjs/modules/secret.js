export const secret = 'outside the loader root';
