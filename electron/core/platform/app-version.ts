// The version shown by app.info and `parley --version` comes from package.json, so there is one place
// to change it. Bundlers inline the JSON, tsx reads it directly.
import pkg from '../../../package.json';

export const APP_NAME: string = pkg.productName ?? pkg.name;
export const APP_VERSION: string = pkg.version;
