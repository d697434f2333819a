// Creating an account and resetting a forgotten password, as steps of the OneID sign-in.
export { registrationRoutes } from './register.js';
export { resetRoutes } from './reset.js';
