"""Azure's facts and the one client that talks to Azure.

Below both the spec (`apic_access.config`) and the Pulumi components: `arm` holds every fact
about Azure the product relies on (role ids, api-versions, id shapes, limits, preview wire
shapes), `client` the one HTTP client for ARM, Graph and the API Center data plane. Nothing
here imports from the layers above.
"""
