package dev.uniplane.api;

/** One entry of a {@link Plan}: something to add, change or remove. */
public sealed interface Change<T> permits Change.Add, Change.Modify, Change.Remove {

    /** The object after the change, or before it for a removal. */
    T subject();

    /** Something the desired state has and the current state lacks. */
    record Add<T>(T value) implements Change<T> {
        @Override
        public T subject() {
            return value;
        }
    }

    /** Something both states have, with different content. */
    record Modify<T>(T before, T after) implements Change<T> {
        @Override
        public T subject() {
            return after;
        }
    }

    /** Something the current state has and the desired state lacks. */
    record Remove<T>(T value) implements Change<T> {
        @Override
        public T subject() {
            return value;
        }
    }
}
