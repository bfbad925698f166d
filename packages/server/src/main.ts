// Entry point of `quickchat-server` and `npm start`.
import { runCli } from './cli.js';

void runCli();
