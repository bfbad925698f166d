/**
 * The group screens, one lazily loaded chunk (`groups`): creating a group, and a group's info
 * with its members, requests and the actions the user's role allows. The shell imports this
 * module only through `import()`, so the widget's entry holds none of it (nor `@quickchat/sdk/groups`).
 */
export { GroupNew } from './group-new.js';
export { GroupInfo } from './group-info.js';
