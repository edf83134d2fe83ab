# find_package(SmarterCitiesSDK CONFIG) gives SmarterCities::sdk and
# smartercities_add_theme_plugin(). Nothing from the platform's source or
# build tree is needed.
include(${CMAKE_CURRENT_LIST_DIR}/SmarterCitiesSDKTargets.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/SmarterCitiesPlugin.cmake)
