// Cold start peer (plain JS, no loader): NestJS on its default platform (express), logger off.
// Decorators are applied by hand (what TypeScript's compiled output does), so no loader is needed.
import 'reflect-metadata';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

const port = Number(process.argv[2]);

class UsersController {
  show(id) {
    return { id, name: `user-${id}` };
  }
}
Param('id')(UsersController.prototype, 'show', 0);
Get(':id')(UsersController.prototype, 'show', Object.getOwnPropertyDescriptor(UsersController.prototype, 'show'));
Controller('users')(UsersController);

class AppModule {}
Module({ controllers: [UsersController] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(port, '127.0.0.1');
