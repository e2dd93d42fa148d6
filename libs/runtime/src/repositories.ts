import { REPOSITORY_FACTORIES, type RepositoryClass, type RepositoryDependencies } from './repository-factories.js';

/**
 * The process's repositories, each built the first time a module asks for it and shared from then
 * on. Repositories hold state beyond their connection (ExecutionRepository and JobRepository batch
 * writes, and shutdown drains JobRepository's), so two modules that both import
 * `DatabaseModule.forFeature([JobRepository])` must get the same instance; a repository no module
 * asks for is never built.
 */
export class Repositories {
  private readonly built = new Map<RepositoryClass, object>();

  constructor(private readonly dependencies: RepositoryDependencies) {}

  get<T extends object>(type: RepositoryClass<T>): T {
    let repository = this.built.get(type);
    if (repository === undefined) {
      const build = REPOSITORY_FACTORIES.get(type);
      if (build === undefined) {
        throw new Error(`${type.name} is not in REPOSITORY_FACTORIES`);
      }
      repository = build(this.dependencies);
      this.built.set(type, repository);
    }
    return repository as T;
  }

  /** The instance of `type` if some module asked for it, without building one. */
  ifBuilt<T extends object>(type: RepositoryClass<T>): T | undefined {
    return this.built.get(type) as T | undefined;
  }
}
