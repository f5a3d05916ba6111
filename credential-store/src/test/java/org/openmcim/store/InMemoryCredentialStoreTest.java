package org.openmcim.store;

class InMemoryCredentialStoreTest extends CredentialStoreContract {
    @Override
    protected CredentialStore store() {
        return new InMemoryCredentialStore();
    }
}
