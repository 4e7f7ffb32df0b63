package dev.uniplane.api;

/** One entry of a {@link Plan}: something to add, change or remove. */
public sealed interface Change<T> permits Change.Add, Change.Modify, Change.Remove {

    /** The object after the change, or before it for a removal. */
    T subject();

    record Add<T>(T value) implements Change<T> {
        @Override
        public T subject() {
            return value;
        }
    }

    record Modify<T>(T before, T after) implements Change<T> {
        @Override
        public T subject() {
            return after;
        }
    }

    record Remove<T>(T value) implements Change<T> {
        @Override
        public T subject() {
            return value;
        }
    }
}
